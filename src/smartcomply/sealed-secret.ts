import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/*
 * The signing secret SmartComply returns when the trigger creates an endpoint has to be kept until deactivation, and
 * n8n's only place for that is the workflow's static data. Static data is not encrypted: n8n 1.x copies it into every
 * execution's saved data, and it travels with workflow exports. So the secret is kept sealed (AES-256-GCM) under a key
 * derived from the credential's API key and bound to the endpoint id: what n8n stores is useless without the
 * credential, which n8n does encrypt. Replacing the API key in the credential means re-activating the workflow.
 */

const FORMAT = 'sc1';
const INFO = 'n8n-nodes-smart-webhooks: SmartComply endpoint signing secret';

function keyFor(apiKey: string, endpointId: string): Buffer {
	return Buffer.from(hkdfSync('sha256', apiKey, endpointId, INFO, 32));
}

/** Seals `secret` for storage: `sc1.<iv>.<tag>.<ciphertext>`, base64url, a fresh IV each time. */
export function sealSecret(secret: string, apiKey: string, endpointId: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor(apiKey, endpointId), iv);
	cipher.setAAD(Buffer.from(endpointId));
	const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	return [FORMAT, iv, cipher.getAuthTag(), sealed]
		.map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
		.join('.');
}

/** The secret, or undefined when `sealed` is malformed, was altered, or was sealed under another key or endpoint. */
export function openSealedSecret(
	sealed: unknown,
	apiKey: string,
	endpointId: string,
): string | undefined {
	if (typeof sealed !== 'string' || sealed.length > 4096) return undefined;
	const [format, ivText, tagText, bodyText, ...rest] = sealed.split('.');
	if (format !== FORMAT || rest.length > 0 || !ivText || !tagText || bodyText === undefined)
		return undefined;
	const iv = Buffer.from(ivText, 'base64url');
	const tag = Buffer.from(tagText, 'base64url');
	if (iv.length !== 12 || tag.length !== 16) return undefined;
	try {
		const decipher = createDecipheriv('aes-256-gcm', keyFor(apiKey, endpointId), iv);
		decipher.setAAD(Buffer.from(endpointId));
		decipher.setAuthTag(tag);
		return Buffer.concat([
			decipher.update(Buffer.from(bodyText, 'base64url')),
			decipher.final(),
		]).toString('utf8');
	} catch {
		// GCM authentication failed: wrong key, wrong endpoint or altered text. The caller reports it; nothing to log here.
		return undefined;
	}
}
