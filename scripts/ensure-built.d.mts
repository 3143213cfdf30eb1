/** Builds the server (dist/) and, unless `web` is false, the web app (web/dist/) when stale. */
export function ensureBuilt(options?: { web?: boolean }): Promise<void>;
