/** GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards. */
export function byteToUnicode(byte: number): string {
  if (isPrintableLatin1(byte)) return String.fromCharCode(byte);
  let rank = 0;
  for (let earlier = 0; earlier < byte; earlier++) if (!isPrintableLatin1(earlier)) rank++;
  return String.fromCharCode(256 + rank);
}

function isPrintableLatin1(byte: number): boolean {
  return (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
}

let unicodeToByte: Map<string, number> | undefined;

/** The bytes a byte-level BPE piece stands for; undefined when a character is not a byte symbol (a special token). */
export function gpt2PieceBytes(piece: string): number[] | undefined {
  unicodeToByte ??= new Map(Array.from({ length: 256 }, (_, byte) => [byteToUnicode(byte), byte]));
  const bytes: number[] = [];
  for (const char of piece) {
    const byte = unicodeToByte.get(char);
    if (byte === undefined) return undefined;
    bytes.push(byte);
  }
  return bytes;
}
