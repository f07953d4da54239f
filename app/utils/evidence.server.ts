/**
 * Evidence files of the village exit (photos or scans of the posted notice, minutes): each checked
 * by what its bytes are (JPEG, PNG, WebP or PDF), at most 10 MB as sent and, for an image, at most
 * 40 megapixels decoded (a small file can unpack into a huge bitmap); an image gets a small WebP
 * thumbnail so a phone does not download a 10 MB photo to show a list of steps.
 */
import sharp from "sharp";
import type { EvidenceUpload } from "~/models/village-exit.server";
import { EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES, sniffEvidenceType } from "~/utils/village-exit";

// One thread for images: the other core stays with the requests; no decoded-image cache kept.
sharp.concurrency(1);
sharp.cache(false);

/** Pixels an image may decode to (a 40 MP phone photo passes; a decompression bomb does not). */
export const EVIDENCE_MAX_PIXELS = 40_000_000;
const THUMBNAIL_PX = 240;

export type EvidenceResult =
  | { ok: true; files: EvidenceUpload[] }
  | { ok: false; key: string; params: Record<string, string | number> };

/** A file name fit to show and to send back in a header: no path, no control characters, ≤ 100 chars. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim();
  return (clean || "file").slice(-100);
}

export async function readEvidence(
  entries: readonly FormDataEntryValue[],
): Promise<EvidenceResult> {
  // An empty file input still sends one nameless, empty part.
  const files = entries.filter((e): e is File => typeof e !== "string" && e.size > 0);
  if (files.length > EVIDENCE_MAX_FILES) {
    return { ok: false, key: "villageExit.file.tooMany", params: { max: EVIDENCE_MAX_FILES } };
  }
  const out: EvidenceUpload[] = [];
  for (const file of files) {
    const name = cleanFileName(file.name);
    if (file.size > EVIDENCE_MAX_BYTES) {
      return { ok: false, key: "villageExit.file.tooLarge", params: { name, max: 10 } };
    }
    const content = new Uint8Array(await file.arrayBuffer());
    const type = sniffEvidenceType(content);
    if (!type) return { ok: false, key: "villageExit.file.type", params: { name } };
    let thumbnail: Uint8Array | null = null;
    if (type !== "application/pdf") {
      try {
        thumbnail = new Uint8Array(
          await sharp(content, { limitInputPixels: EVIDENCE_MAX_PIXELS, failOn: "error" })
            .rotate()
            .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: "inside", withoutEnlargement: true })
            .webp({ quality: 70 })
            .toBuffer(),
        );
      } catch {
        return { ok: false, key: "villageExit.file.unreadable", params: { name } };
      }
    }
    out.push({ fileName: name, contentType: type, content, thumbnail });
  }
  return { ok: true, files: out };
}
