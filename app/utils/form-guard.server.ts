/**
 * Reading a form post, bounded before anything is built from it. The HTTP layer has already capped
 * the body's size (app/server/policy.server.ts); here every field name must be one the form's Zod
 * schema (or the route's list of names) can have, with list indices and repeats within the
 * schema's maximum, before Conform turns names like `items[3].name` into objects — so
 * `x[99999999]=1` is a 400 at once instead of a hundred-million-slot array, and nothing unbounded
 * is ever echoed back in a reply.
 */
import type { SubmissionResult } from "@conform-to/react";
import { z } from "zod";
import { requestContext } from "~/server/request-context.server";
import { DEFAULT_MAX_LIST_ITEMS, MAX_FIELD_NAME_CHARS, MAX_FORM_FIELDS } from "~/utils/limits";

/**
 * What a form may contain: its schema (or several, for a route with several intents), and the
 * names of fields outside a schema (a pattern for names made from ids: `username-<cadre id>`).
 */
export type FormSpec = FormPart | readonly FormPart[];
type FormPart = z.ZodTypeAny | string | RegExp;

type Node =
  | { kind: "leaf" }
  | { kind: "object"; keys: Map<string, Node> }
  | { kind: "record"; value: Node }
  | { kind: "array"; max: number; item: Node }
  | { kind: "union"; options: Node[] };

const LEAF: Node = { kind: "leaf" };
/** Conform's own field: the button that asked to validate, reset or add a list item. */
const CONFORM_FIELDS = new Set(["__intent__"]);
/** The hidden fields every edit form of ours sends (components/form-reply.tsx), one of each. */
const PLUMBING = ["intent", "formId", "version", "redirectTo"];

/** The shape of the field names a Zod schema accepts (Zod 3's internal definitions). */
function nodeOf(schema: z.ZodTypeAny, depth = 0): Node {
  if (depth > 20) return LEAF;
  const next = (s: z.ZodTypeAny) => nodeOf(s, depth + 1);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return next(schema.unwrap() as z.ZodTypeAny);
  }
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodReadonly
  ) {
    return next(schema._def.innerType as z.ZodTypeAny);
  }
  if (schema instanceof z.ZodEffects) return next(schema.innerType() as z.ZodTypeAny);
  if (schema instanceof z.ZodPipeline) return next(schema._def.in as z.ZodTypeAny);
  if (schema instanceof z.ZodBranded) return next(schema.unwrap() as z.ZodTypeAny);
  if (schema instanceof z.ZodLazy) return next(schema.schema as z.ZodTypeAny);
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodTypeAny>;
    return { kind: "object", keys: new Map(Object.entries(shape).map(([k, v]) => [k, next(v)])) };
  }
  if (schema instanceof z.ZodRecord) return { kind: "record", value: next(schema.valueSchema) };
  if (schema instanceof z.ZodArray) {
    const max = (schema._def.maxLength as { value: number } | null)?.value;
    return { kind: "array", max: max ?? DEFAULT_MAX_LIST_ITEMS, item: next(schema.element) };
  }
  if (schema instanceof z.ZodTuple) {
    const items = schema.items as z.ZodTypeAny[];
    return { kind: "union", options: items.map((item, i) => tupleSlot(i, next(item))) };
  }
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) {
    return { kind: "union", options: (schema.options as z.ZodTypeAny[]).map(next) };
  }
  if (schema instanceof z.ZodIntersection) {
    return { kind: "union", options: [next(schema._def.left), next(schema._def.right)] };
  }
  return LEAF;
}

function tupleSlot(index: number, item: Node): Node {
  return { kind: "array", max: index + 1, item };
}

type Path = (string | number)[];

/** `a.b[2].c` → ["a", "b", 2, "c"]; null for anything Conform would not have written. */
export function parseFieldName(name: string): Path | null {
  if (!name || name.length > MAX_FIELD_NAME_CHARS) return null;
  const path: Path = [];
  const re = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(0|[1-9]\d{0,5})\])/;
  let rest = name;
  let first = true;
  while (rest) {
    const m = re.exec(rest);
    if (!m || (first && rest.startsWith(".")) || (!first && m[1] && !rest.startsWith("."))) {
      return null;
    }
    path.push(m[1] ?? Number(m[2]));
    rest = rest.slice(m[0].length);
    first = false;
  }
  return typeof path[0] === "string" ? path : null;
}

/** Whether a node takes this path; an array also says how many values one name may repeat. */
function accepts(node: Node, path: Path): boolean {
  switch (node.kind) {
    case "leaf":
      return path.length === 0;
    case "object": {
      const [head, ...rest] = path;
      const child = typeof head === "string" ? node.keys.get(head) : undefined;
      return child !== undefined && accepts(child, rest);
    }
    case "record": {
      const [head, ...rest] = path;
      return typeof head === "string" && accepts(node.value, rest);
    }
    case "array": {
      if (path.length === 0) return true;
      const [head, ...rest] = path;
      return typeof head === "number" && head < node.max && accepts(node.item, rest);
    }
    case "union":
      return node.options.some((o) => accepts(o, path));
  }
}

/** The most values one name may carry (a checkbox list sends one name many times). */
function maxRepeats(node: Node, path: Path): number {
  switch (node.kind) {
    case "leaf":
      return path.length === 0 ? 1 : 0;
    case "object": {
      const [head, ...rest] = path;
      const child = typeof head === "string" ? node.keys.get(head) : undefined;
      return child ? maxRepeats(child, rest) : 0;
    }
    case "record":
      return maxRepeats(node.value, path.slice(1));
    case "array":
      return path.length === 0 ? node.max : maxRepeats(node.item, path.slice(1));
    case "union":
      return Math.max(0, ...node.options.map((o) => maxRepeats(o, path)));
  }
}

interface Policy {
  node: Node;
  /** Whole names allowed as they are (one value each). */
  patterns: RegExp[];
}

const policies = new WeakMap<object, Policy>();

function policyOf(spec: FormSpec): Policy {
  const cached = typeof spec === "string" ? undefined : policies.get(spec);
  if (cached) return cached;
  const parts = (Array.isArray(spec) ? spec : [spec]) as readonly FormPart[];
  const names = [...PLUMBING, ...parts.filter((p): p is string => typeof p === "string")];
  const policy: Policy = {
    node: {
      kind: "union",
      options: [
        { kind: "object", keys: new Map(names.map((name) => [name, LEAF])) },
        ...parts
          .filter((p): p is z.ZodTypeAny => p instanceof z.ZodType)
          .map((schema) => nodeOf(schema)),
      ],
    },
    patterns: parts.filter((p): p is RegExp => p instanceof RegExp),
  };
  if (typeof spec !== "string") policies.set(spec, policy);
  return policy;
}

export type FieldProblem = { field: string; problem: "name" | "repeats" | "count" };

/**
 * The first field the spec does not allow, or null. Names are reported cut to 40 characters:
 * they are the client's input, and only ever logged.
 */
export function checkFields(
  entries: Iterable<[string, unknown]>,
  spec: FormSpec,
  maxFields = largestList(spec),
): FieldProblem | null {
  const { node, patterns } = policyOf(spec);
  const counts = new Map<string, number>();
  let total = 0;
  for (const [name] of entries) {
    total += 1;
    const field = name.slice(0, 40);
    if (total > maxFields) return { field, problem: "count" };
    const seen = (counts.get(name) ?? 0) + 1;
    counts.set(name, seen);
    if (
      CONFORM_FIELDS.has(name) ||
      (name.length <= MAX_FIELD_NAME_CHARS && patterns.some((p) => p.test(name)))
    ) {
      if (seen > 1) return { field, problem: "repeats" };
      continue;
    }
    if (seen === 1) {
      const path = parseFieldName(name);
      if (!path || !accepts(node, path)) return { field, problem: "name" };
    } else {
      const path = parseFieldName(name)!;
      if (seen > maxRepeats(node, path)) return { field, problem: "repeats" };
    }
  }
  return null;
}

/** A 400; which field was refused goes to the log only, encoded (it is the client's input). */
export function badForm(problem: FieldProblem | string): Response {
  const why =
    typeof problem === "string" ? problem : `${problem.problem} ${JSON.stringify(problem.field)}`;
  const context = requestContext();
  console.warn(
    `[zhucun] 400 ${context?.method ?? ""} ${JSON.stringify(context?.path ?? "")}: form ${why}`,
  );
  return new Response("Bad Request", { status: 400 });
}

/**
 * The form of a POST, or a thrown 400 when it cannot be read (not a form, a broken body) or has a
 * field its spec does not allow. The form's `intent`, if any, is noted for the audit log.
 */
export async function readForm(
  request: Request,
  spec: FormSpec,
  { maxFields }: { maxFields?: number } = {},
): Promise<FormData> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
    throw badForm("not a form");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw badForm("unreadable body");
  }
  checkFormData(form, spec, maxFields);
  return form;
}

/** The same check for a form already read (an upload's multipart form). */
export function checkFormData(form: FormData, spec: FormSpec, maxFields?: number): void {
  const problem = checkFields(form.entries(), spec, maxFields);
  if (problem) throw badForm(problem);
  const intent = form.get("intent");
  const context = requestContext();
  if (context && typeof intent === "string") context.intent = intent.slice(0, 40);
}

/** Room for a form whose schema lists more items than the usual field budget (teams to notify). */
function largestList(spec: FormSpec): number {
  const walk = (node: Node): number => {
    switch (node.kind) {
      case "leaf":
        return 1;
      case "object":
        return [...node.keys.values()].reduce((sum, n) => sum + walk(n), 0);
      case "record":
        return walk(node.value);
      case "array":
        return node.max * walk(node.item);
      case "union":
        return Math.max(0, ...node.options.map(walk));
    }
  };
  return Math.max(MAX_FORM_FIELDS, Math.min(walk(policyOf(spec).node) + 10, 20_000));
}

/** The longest value a reply gives back as typed: the longest text field any form has. */
const MAX_ECHO_CHARS = 6000;
/** All the values a reply gives back, together. */
const MAX_ECHO_TOTAL = 64 * 1024;

/**
 * A refused form's reply, with what was typed given back bounded: each value cut to the longest
 * field any form has, and nothing more once 64 KB are given back. A form keeps what a person
 * typed; a 250 KB value sent by hand is not echoed (twice: in the form and the page's data).
 */
export function replyOf<T>(
  submission: { reply: (options?: T) => SubmissionResult },
  options?: T,
): SubmissionResult {
  const result = submission.reply(options);
  let budget = MAX_ECHO_TOTAL;
  const clip = (value: unknown): unknown => {
    if (typeof value === "string") {
      const kept = value.slice(0, Math.max(0, Math.min(MAX_ECHO_CHARS, budget)));
      budget -= kept.length;
      return kept;
    }
    if (Array.isArray(value)) return value.map(clip);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v)]));
    }
    return value;
  };
  return result.initialValue
    ? { ...result, initialValue: clip(result.initialValue) as SubmissionResult["initialValue"] }
    : result;
}
