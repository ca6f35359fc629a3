import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { DELIVERY_FIELD, type DeliveryNote } from './delivery-note';
import { describePlace, RefusalLog, type RefusalPlace } from './refusal-log';
import { triggerId } from './trigger-id';

/**
 * How the webhook phase says no: the answer to the sender, one rate-limited line in n8n's log, and while the editor
 * listens, the refusal shown there.
 */

const log = new RefusalLog();

/** Answers with a status and a short reason, and tells n8n not to answer itself. */
function answer(this: IWebhookFunctions, status: number, reason: string): void {
	this.getResponseObject().status(status).json({ error: reason });
}

/** Where this delivery went and came from, for the log line (see describePlace). */
function placeOf(this: IWebhookFunctions): RefusalPlace {
	const workflow = this.getWorkflow();
	const request = this.getRequestObject();
	return {
		workflowId: workflow.id,
		workflowName: workflow.name,
		nodeName: this.getNode().name,
		from: request.ip ?? request.socket?.remoteAddress,
	};
}

/** Whether this refusal gets its log line: the rate limit is per trigger (see RefusalLog). */
function admitLine(this: IWebhookFunctions) {
	return log.admit(triggerId(this.getWorkflow(), this.getNode()), Date.now());
}

/** A log line's metadata (n8n's JSON log output keeps it; its default console prints the line, which says it all). */
function logMetadata(place: RefusalPlace, suppressed: number): Record<string, unknown> {
	return {
		workflowId: place.workflowId,
		workflowName: place.workflowName,
		node: place.nodeName,
		remoteAddress: place.from,
		...(suppressed > 0 ? { refusalsNotLogged: suppressed } : {}),
	};
}

/**
 * The trigger cannot verify anything (its credential or registration needs the user): 500, and one error line that
 * says everything itself (workflow, node, sender, why), rate-limited like refusals; the same fields as metadata.
 */
export function failSetup(
	this: IWebhookFunctions,
	provider: { displayName: string },
	reason: string,
	detail?: string,
): IWebhookResponseData {
	const place = placeOf.call(this);
	const line = admitLine.call(this);
	if (line.log) {
		const why = detail ? ` (${detail.replace(/\s+/g, ' ').slice(0, 200)})` : '';
		this.logger.error(
			`${provider.displayName} Trigger: ${reason}${why}; ${describePlace(place, line.suppressed)}`,
			{ ...logMetadata(place, line.suppressed), ...(detail ? { error: detail } : {}) },
		);
	}
	answer.call(this, 500, reason);
	return { noWebhookResponse: true };
}

/**
 * A refused delivery: the sender gets the status and reason; n8n's log gets one warn line that says everything itself
 * (n8n's default console output drops metadata): reason, workflow, node, sender's address; rate-limited per trigger,
 * never a secret or signature.
 *
 * While the editor listens, the refusal also travels to the editor as the listening execution's only item, which
 * execute() turns into the trigger's error: n8n shows the editor what an execution reports, and a webhook() that
 * answers by itself without workflowData leaves the editor listening with nothing to see.
 */
export function refuse(
	this: IWebhookFunctions,
	provider: { displayName: string },
	status: number,
	reason: string,
	listening: boolean,
): IWebhookResponseData {
	const place = placeOf.call(this);
	const line = admitLine.call(this);
	if (line.log) {
		this.logger.warn(
			`${provider.displayName} Trigger refused a delivery (${status}): ${reason}; ${describePlace(place, line.suppressed)}`,
			logMetadata(place, line.suppressed),
		);
	}
	answer.call(this, status, reason);
	if (!listening) return { noWebhookResponse: true };
	const delivery: DeliveryNote = { refused: { status, reason } };
	return { noWebhookResponse: true, workflowData: [[{ json: {}, [DELIVERY_FIELD]: delivery }]] };
}
