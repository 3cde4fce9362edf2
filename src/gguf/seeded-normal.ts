/** Fills arrays with N(0, std²) samples from a deterministic stream (xoshiro128** + Box-Muller). */
export class SeededNormal {
  private readonly state: Uint32Array;

  constructor(seed: number, private readonly std: number) {
    this.state = seedState(seed >>> 0);
  }

  fill(target: Float32Array): void {
    for (let i = 0; i < target.length; i += 2) {
      // 1 - u keeps the logarithm's argument in (0, 1].
      const radius = this.std * Math.sqrt(-2 * Math.log(1 - this.uniform()));
      const angle = 2 * Math.PI * this.uniform();
      target[i] = radius * Math.cos(angle);
      if (i + 1 < target.length) target[i + 1] = radius * Math.sin(angle);
    }
  }

  /** Uniform in [0, 1). */
  private uniform(): number {
    const s = this.state;
    const s0 = s[0] ?? 0;
    const s1 = s[1] ?? 0;
    const s2 = s[2] ?? 0;
    const s3 = s[3] ?? 0;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result / 2 ** 32;
  }
}

/** A per-tensor seed, so each tensor's values do not depend on which tensors precede it. */
export function tensorSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0); // FNV-1a over the name, keyed by the seed
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}

/** splitmix32 spreads any seed (even 0) over the 128-bit state that xoshiro must not start at zero. */
function seedState(seed: number): Uint32Array {
  const state = new Uint32Array(4);
  let x = seed;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return state;
}
