// The id of a prepared statement (a 16-byte hash of its keyspace and text) and its cache key.

/** The 16-byte id of a prepared statement: a hash of `text` (keyspace, NUL, query). */
export function statementId(text: string): Uint8Array {
  // Four 32-bit FNV-1a lanes with different offsets, then mixed: 16 bytes.
  const lanes = new Uint32Array([0x811c9dc5, 0x01000193 ^ 0x5bd1e995, 0x9747b28c, 0x2545f491]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul(lanes[l] ^ (c + l * 0x9e37), 0x01000193);
  }
  for (let l = 0; l < 4; l++) {
    let h = lanes[l] ^ lanes[(l + 1) & 3];
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    lanes[l] = h ^ (h >>> 16);
  }
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, lanes[0]);
  new DataView(out.buffer).setUint32(4, lanes[1]);
  new DataView(out.buffer).setUint32(8, lanes[2]);
  new DataView(out.buffer).setUint32(12, lanes[3]);
  return out;
}

/** The prepared cache's key of a statement id: its bytes in hex. */
export function statementKey(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
