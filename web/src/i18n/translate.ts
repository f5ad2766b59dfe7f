import type { Language } from './language.ts';
import { en, type MessageKey, type Messages } from './messages/en.ts';
import { ru } from './messages/ru.ts';

const CATALOGS: Record<Language, Messages> = { en, ru };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** A message of the language's catalog, with `{name}` placeholders filled in. */
export function translator(language: Language): Translate {
  const messages = CATALOGS[language];
  return (key, values) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      values && name in values ? String(values[name]) : whole,
    );
}
