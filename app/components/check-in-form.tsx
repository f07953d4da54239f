/**
 * Today's check-in and the late entry for a forgotten day. The location is asked for only when the
 * cadre ticks the box, and only then does the browser prompt; without JavaScript there is no
 * location at all, and the check-in still works. The late entry, with Conform, is in
 * late-check-in-form.tsx: /me loads it after the page (decision 018).
 */
import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useRef, useState } from "react";
import { FieldErrors } from "~/components/field-errors";
import { useFormReply } from "~/components/field-errors";
import { useT } from "~/i18n";

export function CheckInForm() {
  const t = useT();
  const submit = useSubmit();
  const navigation = useNavigation();
  const reply = useFormReply("check-in");
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState(false);
  const shareRef = useRef<HTMLInputElement>(null);
  const busy =
    locating ||
    (navigation.state === "submitting" && navigation.formData?.get("formId") === "check-in");
  const errors = Object.values(reply?.result.error ?? {}).flatMap((e) => e ?? []);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    if (!shareRef.current?.checked || !("geolocation" in navigator)) return;
    event.preventDefault();
    const form = event.currentTarget;
    setLocating(true);
    setLocationError(false);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        const data = new FormData(form);
        data.set("lat", String(position.coords.latitude));
        data.set("lon", String(position.coords.longitude));
        submit(data, { method: "post" });
      },
      () => {
        setLocating(false);
        setLocationError(true);
      },
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  }

  return (
    <Form method="post" onSubmit={onSubmit} className="stack">
      <input type="hidden" name="intent" value="check-in" />
      <input type="hidden" name="formId" value="check-in" />
      <div className="js-only">
        <label className="checkbox">
          <input type="checkbox" name="share" ref={shareRef} /> {t("checkIn.shareLocation")}
        </label>
        <p className="hint">{t("checkIn.locationEvidence")}</p>
      </div>
      {locationError ? (
        <p role="alert" className="field-errors">
          {t("checkIn.locationFailed")}
        </p>
      ) : null}
      <div role="alert">
        <FieldErrors errors={errors} />
      </div>
      <div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {locating ? t("checkIn.locating") : t("checkIn.submit")}
        </button>
      </div>
    </Form>
  );
}

/**
 * A refused check-in said after the page has redrawn as "checked in" (another tab or device got
 * there first): the refusal stays on screen until the cadre dismisses it, rather than vanishing
 * with the form it came from.
 */
export function CheckInRefusal() {
  const t = useT();
  const reply = useFormReply("check-in");
  const [dismissed, setDismissed] = useState<unknown>(null);
  const errors = Object.values(reply?.result.error ?? {}).flatMap((e) => e ?? []);
  if (!reply || !errors.length || dismissed === reply) return null;
  return (
    <div className="notice stack" role="alert">
      <FieldErrors errors={errors} />
      <p className="js-only">
        <button type="button" className="button" onClick={() => setDismissed(reply)}>
          {t("board.dismiss")}
        </button>
      </p>
    </div>
  );
}
