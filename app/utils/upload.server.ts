/**
 * Reading an upload form (multipart) in memory, the same way for every import. The HTTP layer has
 * already refused a body over the route's limit; here a part over its own limit, a broken body or a
 * field the form does not have is a reason the route turns into its own 4xx, never a 500.
 */
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { checkFormData, type FormSpec } from "~/utils/form-guard.server";

export type UploadForm =
  | { ok: true; form: FormData }
  | { ok: false; reason: "not-multipart" | "too-large" | "unreadable" };

export async function readUploadForm(
  request: Request,
  maxPartSize: number,
  fields: FormSpec,
): Promise<UploadForm> {
  if (!request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return { ok: false, reason: "not-multipart" };
  }
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize }),
    );
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return { ok: false, reason: "too-large" };
    return { ok: false, reason: "unreadable" };
  }
  // A field the form does not have is a thrown 400, as for every other form.
  checkFormData(form, fields);
  return { ok: true, form };
}
