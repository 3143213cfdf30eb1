/** The one place that reads `process.env`. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return { ...process.env };
}
