/**
 * Pages in headless Chromium (Debian's, driven by playwright-core): an accessibility check by
 * axe-core, and a screenshot of each page under .data/screenshots/ for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../../src/db/target';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** No serious or critical accessibility violation on the page, by axe-core (run outside the page's CSP). */
export async function accessible(page: Page): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    type Axe = { run: () => Promise<{ violations: { id: string; impact: string }[] }> };
    const { axe } = globalThis as unknown as { axe: Axe };
    return (await axe.run()).violations.map(({ id, impact }) => ({ id, impact }));
  });
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

/** Saves the whole page as .data/screenshots/<folder>/<name>.png. */
export async function shoot(page: Page, folder: string, name: string): Promise<void> {
  const dir = path.join(ROOT, '.data', 'screenshots', folder);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
