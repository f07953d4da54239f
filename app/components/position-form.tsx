import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, type useFetcher } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import type { z } from "zod";
import { FieldErrors } from "~/components/field-errors";
import { useClientValidation } from "~/components/form-reply";
import type { PositionSchema } from "~/schemas/position";
import { useT } from "~/i18n";
import { ALLOWED_AREA_PARAMS } from "~/utils/county-area";

export type PositionActionData = SubmissionResult<string[]> & { saved?: boolean; version?: string };

/**
 * Correct a village's position. On the village page it is a plain form (works without JavaScript,
 * redirects back); on the map it posts through a fetcher so the map stays put.
 */
export function PositionForm({
  villageId,
  lat,
  lon,
  version,
  method = "typed",
  fetcher,
  lastResult,
  redirectTo,
  children,
}: {
  villageId: string;
  lat: number;
  lon: number;
  version: string;
  method?: "drag" | "typed";
  fetcher?: ReturnType<typeof useFetcher<PositionActionData>>;
  lastResult?: PositionActionData | null;
  redirectTo?: string;
  children?: ReactNode;
}) {
  const t = useT();
  const result = fetcher ? fetcher.data : lastResult;
  const validation = useClientValidation(() =>
    import("~/schemas/forms").then((m) => m.PositionSchema),
  );
  const [form, fields] = useForm<z.input<typeof PositionSchema>>({
    id: `position-${villageId}`,
    lastResult: result,
    defaultValue: { lat: String(lat), lon: String(lon) },
    ...validation,
  });

  // A marker drag moves the coordinates in the form (the person still confirms with Save). Not on
  // mount: the form starts with them.
  const shown = useRef({ lat, lon });
  useEffect(() => {
    if (shown.current.lat === lat && shown.current.lon === lon) return;
    shown.current = { lat, lon };
    form.update({ name: fields.lat.name, value: String(lat) });
    form.update({ name: fields.lon.name, value: String(lon) });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the coordinates change
  }, [lat, lon]);

  const FormComponent = fetcher ? fetcher.Form : Form;
  const message = (errors?: string[]) =>
    errors?.map((e) =>
      e === "position.outside" ? t("position.outside", ALLOWED_AREA_PARAMS) : t.has(e) ? t(e) : e,
    );

  return (
    <FormComponent
      method="post"
      action={`/villages/${villageId}?index`}
      {...getFormProps(form)}
      className="position-form"
    >
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="method" value={method} />
      <input type="hidden" name="version" value={version} />
      {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
      <div className="position-fields">
        <div className="field">
          <label htmlFor={fields.lat.id}>{t("position.lat")}</label>
          <input {...getInputProps(fields.lat, { type: "text" })} inputMode="decimal" />
          <FieldErrors id={fields.lat.errorId} errors={message(fields.lat.errors)} />
        </div>
        <div className="field">
          <label htmlFor={fields.lon.id}>{t("position.lon")}</label>
          <input {...getInputProps(fields.lon, { type: "text" })} inputMode="decimal" />
          <FieldErrors id={fields.lon.errorId} errors={message(fields.lon.errors)} />
        </div>
      </div>
      <div id={form.errorId} role="alert">
        <FieldErrors errors={message([...(form.errors ?? []), ...(fields.version.errors ?? [])])} />
      </div>
      {result?.saved ? (
        <p role="status" className="saved">
          {t("position.saved")}
        </p>
      ) : null}
      <div className="filter-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={fetcher?.state === "submitting"}
        >
          {t("position.save")}
        </button>
        {children}
      </div>
    </FormComponent>
  );
}
