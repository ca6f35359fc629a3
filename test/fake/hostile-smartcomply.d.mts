export type HostileBehaviour =
	'ok' | 'redirect' | 'trickle' | 'endless' | 'echo' | 'oddId' | 'noSecret';
export type HostileOperation = 'list' | 'create' | 'get' | 'delete' | 'other';
export interface HostileSettings {
	redirectStatus?: number;
	trickleMs?: number;
	maxBytes?: number;
	declareLength?: boolean;
	oddIdUrl?: string;
}
export interface HostileExchange {
	op: HostileOperation;
	method: string;
	path: string;
	behaviour: HostileBehaviour;
	authorized: boolean;
	bytesWritten: number;
	clientHungUp: boolean;
	done: boolean;
}
export interface HostileSmartComply {
	origin: string;
	url: string;
	elsewhereOrigin: string;
	apiKey: string;
	endpoints: Map<string, { id: string; url: string; events: string[]; signing_secret: string }>;
	issuedSecrets: string[];
	exchanges: HostileExchange[];
	elsewhereRequests: Array<{ method: string; path: string; authorization?: string }>;
	behave(
		behaviours: Partial<Record<HostileOperation, HostileBehaviour>>,
		settings?: HostileSettings,
	): void;
	reset(): void;
	close(): Promise<void>;
}
export function startHostileSmartComply(options?: { apiKey?: string }): Promise<HostileSmartComply>;
