/** A manifest as the tests read it: the photos in full, whichever form the
 * origin or the device wrote (version 2 is compact:
 * crates/core/src/manifest/compact.rs; this is its reading, for tests). */

export interface Rendition {
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  url: string;
  expires_at: number;
  fallbacks?: { url: string; expires_at: number }[];
}

export interface Image {
  id: string;
  file_name: string;
  alt: string;
  width: number;
  height: number;
  thumbhash: string;
  set?: string;
  renditions: { thumb: Rendition; proof: Rendition; download?: Rendition };
}

export interface Manifest {
  version: number;
  gallery: string;
  mirror?: string;
  images: Image[];
  [field: string]: unknown;
}

type File = [number, string, string[], number?, number?, string?];
type Photo = [string, string, number, number, string, File, File, { alt?: string; set?: string; download?: File }?];
interface Source {
  base: string;
  query: string;
  signature?: string;
  expires_at: number;
}

const hex = (b64url: string) => Buffer.from(b64url, 'base64url').toString('hex');

/** The key encoding of `encode_key`: unreserved characters and `/` kept. */
const encodeKey = (key: string) =>
  [...Buffer.from(key, 'utf8')]
    .map((b) => (/[A-Za-z0-9\-_.~/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

function fit(w: number, h: number, edge: number): [number, number] {
  const long = Math.max(w, h);
  if (long <= edge) return [w, h];
  const scale = edge / long;
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

const stem = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
};

/** `text` (a manifest's JSON, either version) with its photos in full. */
export function readManifest(text: string | object): Manifest {
  const m = (typeof text === 'string' ? JSON.parse(text) : text) as Manifest & { images: unknown };
  if (m.version !== 2) return m as Manifest;
  const { sources, edges, list } = m.images as { sources: Source[]; edges: [number, number, number]; list: Photo[] };
  const images = list.map(([id, file_name, width, height, thumbhash, thumb, proof, more = {}]) => {
    const file = ([bytes, sha, signatures, w = 0, h = 0, key]: File, kind: string, edge: number): Rendition => {
      const path = key ?? `${id}/${kind}/${encodeKey(stem(file_name))}.jpg`;
      let next = 0;
      const urls = sources.map((s) => ({
        url: `${s.base}${path}?${s.query}${s.signature ? `&${s.signature}=${hex(signatures[next++])}` : ''}`,
        expires_at: s.expires_at,
      }));
      const [fw, fh] = w === 0 ? fit(width, height, edge) : [w, h];
      const [first, ...fallbacks] = urls;
      return { width: fw, height: fh, bytes, sha256: hex(sha), url: first.url, expires_at: first.expires_at, fallbacks };
    };
    const image: Image = {
      id,
      file_name,
      alt: more.alt ?? stem(file_name),
      width,
      height,
      thumbhash,
      renditions: { thumb: file(thumb, 'thumb', edges[0]), proof: file(proof, 'proof', edges[1]) },
    };
    if (more.download) image.renditions.download = file(more.download, 'web', edges[2]);
    if (more.set) image.set = more.set;
    return image;
  });
  return { ...m, version: 1, images };
}
