/**
 * The cluster's own certificate authority and certificates, made once with openssl: one for the
 * servers (frontend and internode, both ends of a connection between services) and one for the
 * product's clients (worker, API, tools). Every name is loopback: 127.0.0.1 and localhost.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ClusterCerts {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const DAYS = 825;

export function clusterCerts(dir: string): ClusterCerts {
  const file = (name: string) => path.join(dir, name);
  const certs: ClusterCerts = {
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
  };
  if (Object.values(certs).every(existsSync)) return certs;
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...key,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    String(DAYS),
    '-subj',
    '/CN=Proactive Care cluster CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const issue = (name: string, subject: string, usage: string) => {
    writeFileSync(
      file(`${name}.ext`),
      `subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=${usage}\nkeyUsage=critical,digitalSignature\n`,
    );
    openssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      String(DAYS),
      '-extfile',
      `${name}.ext`,
    );
  };
  // The services present it to each other both as servers and as clients.
  issue('server', '/CN=temporal-cluster', 'serverAuth,clientAuth');
  issue('client', '/CN=proactive-care', 'clientAuth');
  return certs;
}
