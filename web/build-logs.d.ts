export interface BuildLog {
  code?: string;
  message?: string;
  id?: string;
  ids?: readonly string[];
  names?: readonly string[];
}
export function isBuildNoise(log: BuildLog): boolean;
export function buildLogFromText(text: string): BuildLog;
