/** The shapes of an e2e run: its options, its plan (sizes), and the report kept in bench/out/results.json under `e2e`. */
import type { Figure } from '../harness';
import type { ContenderId, SettingId } from './contenders';
import type { FloodResult, Plan, ThroughputBlock } from './run';

export interface E2eOptions {
	quick?: boolean;
	log?: (line: string) => void;
	/** Settings to run (default: BENCH_E2E_SETTINGS=default,pool4,... or all four). */
	settings?: SettingId[];
	/** Skip the flood measurements. */
	noFlood?: boolean;
}

export interface IntegrityRow {
	answered200: number;
	otherAnswers: Record<string, number>;
	executions: number;
	byStatus: Record<string, number>;
	reportedCount: number | null;
	ok: boolean;
}

export interface SettingReport {
	id: SettingId;
	label: string;
	env: Record<string, string>;
	n8nVersion?: string;
	readyMs?: number;
	contenders: ContenderId[];
	throughput: ThroughputBlock[];
	flood: FloodResult[];
	probes: Record<string, unknown>;
	integrity: Partial<Record<ContenderId, IntegrityRow>>;
	isolatesIdleCheck?: number | null;
	error?: string;
	seconds: number;
}

export interface E2eReport {
	meta: {
		date: string;
		node: string;
		platform: string;
		n8n?: string;
		quick: boolean;
		plan: Plan;
		durationSeconds: number;
		distStale?: boolean;
	};
	settings: SettingReport[];
	figures: Figure[];
}
