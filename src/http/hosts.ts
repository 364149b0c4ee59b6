// Which Host headers the server answers: its guard against DNS rebinding, where a page on another
// origin reaches the emulator through a name of its own that resolves to this machine.
import type { Config } from '../config.js';
import { errors } from '../errors.js';

/** A host name (letters, digits, ".", "-", "_") or a bracketed IPv6 address, then an optional port. */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;
const LOOPBACK_V4 = /^127\.\d+\.\d+\.\d+$/;

/** How many distinct accepted Host values are remembered, so a known one costs no parsing. */
const KNOWN_HOSTS = 64;

/**
 * A host name or IP address in one canonical form (lower case, IPv4 in dotted decimal, IPv6 in
 * brackets and compressed, no trailing dot), or undefined when it is not one. Names go through the
 * WHATWG URL parser, as a browser's do, so every spelling of an address compares equal.
 */
export function hostName(value: string): string | undefined {
  const bare = value.includes(':') && !value.startsWith('[') ? `[${value}]` : value;
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)$/.test(bare)) return undefined;
  let name: string;
  try {
    name = new URL(`http://${bare}/`).hostname;
  } catch {
    return undefined;
  }
  name = name.endsWith('.') ? name.slice(0, -1) : name;
  return name === '' ? undefined : name;
}

/** A Host header's canonical name and its port ('' when it has none), or undefined when it is malformed. */
export function parseHost(header: string): { name: string; port: string } | undefined {
  const match = HOST_HEADER.exec(header);
  const port = match?.[2] ?? '';
  const name = match ? hostName(match[1] as string) : undefined;
  if (name === undefined || Number(port) > 65535) return undefined;
  return { name, port };
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1, as canonical names. */
export const isLoopback = (name: string): boolean =>
  name === 'localhost' || name.endsWith('.localhost') || LOOPBACK_V4.test(name) || name === '[::1]';

/**
 * Checks a request's Host header: loopback names and addresses, the PUBLIC_URL host, the address the
 * server listens on (so the banner's own links work) and ALLOWED_HOSTS pass; anything else throws
 * 403 host_not_allowed. A request without Host passes: browsers always send one, so it is no rebinding.
 */
export function createHostCheck(
  config: Pick<Config, 'host' | 'publicUrl' | 'allowedHosts'>,
): (header: string | undefined) => void {
  const allowed = new Set<string>();
  const add = (value: string | undefined): void => {
    const name = value === undefined ? undefined : hostName(value);
    if (name !== undefined) allowed.add(name);
  };
  for (const host of config.allowedHosts) add(host);
  if (config.publicUrl !== undefined) add(new URL(config.publicUrl).hostname);
  if (config.host !== '0.0.0.0' && config.host !== '::') add(config.host);
  const accepted = new Set<string>();
  return (header) => {
    if (!header || accepted.has(header)) return;
    const parsed = parseHost(header);
    if (parsed === undefined || !(isLoopback(parsed.name) || allowed.has(parsed.name)))
      throw errors.hostNotAllowed(header, parsed?.name);
    if (accepted.size < KNOWN_HOSTS) accepted.add(header);
  };
}
