import { RunnerError } from '../shared/errors.js';

/**
 * DMR's reference normalisation (reference §4.1): `smollm2` → `docker.io/ai/smollm2:latest`,
 * `hf.co/…` → `huggingface.co/…`, name lower-cased, tag case kept.
 */
export interface ModelName {
  /** Registry domain as stored: `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Repository path without the registry, e.g. `ai/smollm2`. */
  readonly repository: string;
  readonly tag: string;
  /** `sha256:<hex>` when the reference pinned a manifest digest. */
  readonly digest: string | undefined;
}

export type ModelReference =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'short-id'; readonly prefix: string }
  | { readonly kind: 'name'; readonly name: ModelName };

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Docker's limit, applied as Docker applies it: to the normalised name, without tag or digest. */
const MAX_NAME_LENGTH = 255;
/** Room for the longest name as typed (aliases are longer than what they stand for), a tag and a digest. */
const MAX_INPUT_LENGTH = 512;

function invalid(input: string, why: string): RunnerError {
  return new RunnerError('invalid_reference', `invalid model reference "${printable(input)}": ${why}`);
}

function tooLong(input: string): RunnerError {
  return invalid(`${input.slice(0, 64)}…`, 'reference too long');
}

/** Control characters are echoed escaped so an error message can never forge log or body lines. */
function printable(input: string): string {
  return JSON.stringify(input).slice(1, -1);
}

/** Docker's domain grammar, and a host URLs accept: `0.080` fits the grammar but is no IPv4 address. */
function isRegistryHost(registry: string): boolean {
  return DOMAIN.test(registry) && URL.canParse(`https://${registry}`);
}

function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

function splitNameAndTag(input: string): { name: string; tag: string | undefined; digest: string | undefined } {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(input, 'digest must be sha256:<64 hex>');
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  }
  return { name: rest, tag: undefined, digest };
}

function parseName(input: string, nameText: string): { registry: string; repository: string } {
  const components = nameText.toLowerCase().split('/');
  const first = components[0] ?? '';
  const hasRegistry = components.length > 1 && looksLikeDomain(first);
  let registry = hasRegistry ? first : DOCKER_HUB;
  const path = hasRegistry ? components.slice(1) : components;
  if (hasRegistry && !isRegistryHost(registry)) throw invalid(input, `invalid registry "${printable(registry)}"`);
  if (registry === 'hf.co') registry = 'huggingface.co';
  if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && path.length === 1) path.unshift('ai');
  if (registry === DOCKER_HUB && path[0] === 'library' && path.length === 2) path[0] = 'ai';
  for (const component of path) {
    if (!COMPONENT.test(component)) throw invalid(input, `invalid name component "${printable(component)}"`);
  }
  return { registry, repository: path.join('/') };
}

export function parseModelName(raw: string): ModelName {
  const input = raw.trim();
  if (input === '') throw invalid(raw, 'empty reference');
  if (input.length > MAX_INPUT_LENGTH) throw tooLong(input);
  const { name, tag, digest } = splitNameAndTag(input);
  if (tag !== undefined && tag !== '' && !TAG.test(tag)) throw invalid(input, `invalid tag "${printable(tag)}"`);
  const { registry, repository } = parseName(input, name);
  // Checked after normalisation so that every stored tag (`docker.io/ai/…:tag`) parses again.
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) throw tooLong(input);
  return { registry, repository, tag: tag || 'latest', digest };
}

export function parseModelReference(raw: string): ModelReference {
  const input = raw.trim();
  if (/^[a-f0-9]{64}$/.test(input)) return { kind: 'id', id: `sha256:${input}` };
  if (DIGEST.test(input)) return { kind: 'id', id: input };
  if (/^[a-f0-9]{12}$/.test(input)) return { kind: 'short-id', prefix: `sha256:${input}` };
  return { kind: 'name', name: parseModelName(input) };
}

/** The stored form of a tag: `docker.io/ai/smollm2:latest`. */
export function formatModelTag(name: ModelName): string {
  return `${name.registry}/${name.repository}:${name.tag}`;
}

/** The tag a reference means, for storing; a pure id or digest reference names no tag. */
export function normalizeTag(raw: string): string {
  const name = parseModelName(raw);
  if (name.digest !== undefined) throw invalid(raw, 'a tag cannot contain a digest');
  return formatModelTag(name);
}

/** The last path segment without registry, namespace or tag: what DMR's partial-name match compares. */
export function shortRepositoryName(tag: string): string {
  const withoutTag = tag.slice(0, tag.lastIndexOf(':') > tag.lastIndexOf('/') ? tag.lastIndexOf(':') : tag.length);
  return withoutTag.slice(withoutTag.lastIndexOf('/') + 1);
}
