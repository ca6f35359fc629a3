// The package publishes its types under "exports" only, which this project's moduleResolution ("node", needed for
// the CommonJS build) does not read; these are its two functions the tests call, as its dist-types declare them.
declare module '@octokit/webhooks-methods' {
	export function sign(secret: string, payload: string): Promise<string>;
	export function verify(secret: string, eventPayload: string, signature: string): Promise<boolean>;
}
