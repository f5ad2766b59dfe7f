/**
 * Checks shared by the personas' restoreState: a saved state is the persona's own JSON, so only its shape
 * is checked (enough that a hand-edited or foreign file is refused whole rather than half-restored).
 */
export type Saved = Record<string, unknown>;

export function isSaved(value: unknown): value is Saved {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `state[key]`: an array of objects that each have string `ids`; throws otherwise. */
export function savedList(state: unknown, key: string, ids: readonly string[]): Saved[] {
  const list = isSaved(state) ? state[key] : undefined;
  if (!Array.isArray(list)) throw new Error(`saved state has no ${key} list`);
  for (const item of list) {
    if (!isSaved(item) || ids.some((id) => typeof item[id] !== 'string'))
      throw new Error(`a saved ${key} entry lacks ${ids.join(', ')}`);
  }
  return list as Saved[];
}

/** A copy that shares nothing with the file's parsed value or with another persona. */
export function copyOf<T>(value: unknown): T {
  return structuredClone(value) as T;
}
