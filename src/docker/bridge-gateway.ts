import type Docker from 'dockerode';

/** The first host address of an IPv4 subnet, which Docker gives a bridge's gateway by default. */
function firstHost(subnet: string): string | undefined {
  const [address] = subnet.split('/');
  const octets = address?.split('.').map(Number);
  if (!octets || octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet))) return undefined;
  return [...octets.slice(0, 3), (octets[3] ?? 0) + 1].join('.');
}

/**
 * The default bridge's gateway (usually 172.17.0.1): where containers reach the host, and what
 * `host-gateway` maps to. Engine 20.10 leaves `Gateway` out of the default bridge's IPAM config,
 * so it falls back to the subnet's first host, as the daemon assigns it.
 */
export async function bridgeGateway(docker: Docker): Promise<string | undefined> {
  const network = (await docker.getNetwork('bridge').inspect()) as { IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> } };
  const ipv4 = (network.IPAM?.Config ?? []).find((config) => config.Subnet?.includes('.'));
  return ipv4?.Gateway || (ipv4?.Subnet ? firstHost(ipv4.Subnet) : undefined);
}
