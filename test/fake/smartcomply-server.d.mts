export interface FakeEndpoint {
	id: string;
	url: string;
	events: string[];
	description: string;
	status: string;
	signing_secret: string;
	created_at: string;
}
export interface FakeDelivery {
	endpointId: string;
	url: string;
	status: number;
	body: string;
	eventId: string;
}
export interface FailureSpec {
	status?: number;
	delayMs?: number;
	/** carry the call out, answer only after delayMs */
	late?: boolean;
	match?: string;
	/** only calls about this webhook URL (the create's `url`, or the named endpoint's) */
	url?: string;
	count?: number;
}
export interface FakeSmartComply {
	origin: string;
	url: string;
	apiKey: string;
	endpoints: Map<string, FakeEndpoint>;
	deliveries: FakeDelivery[];
	requests: Array<{ method: string; path: string; authorized: boolean }>;
	failNext(spec: FailureSpec): void;
	sendTest(id: string, type?: string): Promise<FakeDelivery>;
	close(): Promise<void>;
}
export function startFakeSmartComply(options?: {
	port?: number;
	apiKey?: string;
	deliveryTimeoutMs?: number;
}): Promise<FakeSmartComply>;
/** What the trigger made of a delivery, from its answer ("ran: …", "ignored: …", "refused 401: …"). */
export function triggerOutcome(status: number, body: string): string;
