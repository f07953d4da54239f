/**
 * Reading an upload form (multipart) in memory, the same way for every import: anything that is not
 * multipart, or a part over the limit, is a reason the route turns into its own 4xx, never a 500.
 */
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";

export type UploadForm =
  { ok: true; form: FormData } | { ok: false; reason: "not-multipart" | "too-large" };

export async function readUploadForm(request: Request, maxPartSize: number): Promise<UploadForm> {
  if (!request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return { ok: false, reason: "not-multipart" };
  }
  try {
    const form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize }),
    );
    return { ok: true, form };
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return { ok: false, reason: "too-large" };
    throw e;
  }
}
