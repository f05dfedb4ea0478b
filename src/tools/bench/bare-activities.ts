/** The bare baseline's only activity: it does nothing, so what it costs is Temporal's round trip. */
export async function noop(): Promise<void> {}
