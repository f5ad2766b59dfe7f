/**
 * API keys are 32 lowercase hex characters: the handler protocol's clients validate that shape.
 * Only the SHA-256 of a key is stored; the key itself is shown once.
 */
import { createHash, randomBytes } from 'node:crypto';

const KEY_SHAPE = /^[0-9a-f]{32}$/;

export function generateApiKey(): string {
  return randomBytes(16).toString('hex');
}

export function isApiKeyShape(value: string): boolean {
  return KEY_SHAPE.test(value);
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** What is stored beside the hash so an operator can tell keys apart without seeing them. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 6);
}
