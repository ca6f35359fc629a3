/** What checking one part of a delivery (a signature, a timestamp, a header) found. */
export type Verification = { ok: true } | { ok: false; reason: string };
