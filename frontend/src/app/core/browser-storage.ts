/**
 * localStorage that never throws: it is missing or refuses writes in some private
 * browsing modes and sandboxed frames, and losing a remembered setting is harmless.
 */
export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Nothing to do: the setting is simply not remembered.
  }
}
