// The panel's try-it command names an event the trigger runs for. n8n decides which notice shows with n8n-workflow's
// own displayOptions code (NodeHelpers.displayParameter), used here on each trigger's real description, and the
// command's event is then sent through the core's receive() with the same event filter the node applies.
import { NodeHelpers, type INode, type INodeParameters, type INodeType } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { providers, receive, type ProviderId } from '../../src/internal';
import { PROVIDERS } from '../providers';
import { delivery, NOW_MS } from './helpers';

async function loadNode(file: string): Promise<INodeType> {
	const module = (await import(`../../nodes/${file}/${file}.node.ts`)) as Record<
		string,
		new () => INodeType
	>;
	const [NodeClass] = Object.values(module).filter((v) => typeof v === 'function');
	return new NodeClass();
}

/** The try-it notices n8n shows for these parameters (defaults filled in, as the editor holds them). */
function shownTryIts(type: INodeType, parameters: INodeParameters): string[] {
	const description = type.description;
	const node = {
		name: 'Trigger',
		type: description.name,
		typeVersion: 1,
		parameters,
	} as unknown as INode;
	const values =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			description,
		) ?? {};
	return description.properties
		.filter((p) => p.type === 'notice' && p.name.startsWith('tryIt'))
		.filter((p) => NodeHelpers.displayParameter(values, p, node, description))
		.map((p) => p.displayName);
}

/** The event named by the one notice shown, from its `send <provider> <event>` command. */
function suggestedEvent(id: ProviderId, shown: string[]): string {
	expect(shown).toHaveLength(1);
	const match = new RegExp(`send ${id} (\\S+) --url`).exec(shown[0]);
	if (!match) throw new Error(`no send command in: ${shown[0]}`);
	return match[1];
}

/** Whether the trigger runs the workflow for a genuine delivery of `event` with this event filter. */
function runsFor(id: ProviderId, event: string, filter: string[]): boolean {
	const { body, headers } = delivery(id, event);
	const result = receive(
		id,
		{ headers, rawBody: body },
		{
			secret: PROVIDERS.find((p) => p.id === id)!.secret,
			events: filter,
			now: NOW_MS,
		},
	);
	return result.status === 200 && result.items.length === 1;
}

const catalogued = PROVIDERS.filter((p) => providers[p.id].events !== null);

describe.each(catalogued)('$displayName: the try-it command', (p) => {
	const events = providers[p.id].events!.map((e) => e.name);

	it.each(events)(
		'after the nodes panel action for %s, names that event, which runs',
		async (event) => {
			const type = await loadNode(p.node);
			const suggested = suggestedEvent(p.id, shownTryIts(type, { events: [event] }));
			expect(suggested).toBe(event);
			expect(runsFor(p.id, suggested, [event])).toBe(true);
		},
	);

	it('with several events selected, names the one first in the list', async () => {
		const type = await loadNode(p.node);
		const [last, second] = [events.at(-1)!, events[1]];
		const suggested = suggestedEvent(p.id, shownTryIts(type, { events: [last, second] }));
		expect(suggested).toBe(second);
		expect(runsFor(p.id, suggested, [last, second])).toBe(true);
	});

	it('with none selected (every event runs), names a documented event that is not a test', async () => {
		const type = await loadNode(p.node);
		const suggested = suggestedEvent(p.id, shownTryIts(type, {}));
		expect(providers[p.id].events!.find((e) => e.name === suggested)?.test).toBeFalsy();
		expect(runsFor(p.id, suggested, [])).toBe(true);
	});

	it('with only typed event names, sends a payload file instead of a catalogue sample', async () => {
		const type = await loadNode(p.node);
		const shown = shownTryIts(type, { events: [], otherEvents: 'custom.event' });
		expect(shown).toHaveLength(1);
		expect(shown[0]).toContain(`send ${p.id} --file payload.json --url`);
	});
});

describe('the walk-through of issue #28', () => {
	it('SmartMaintenance "On task completed" suggests task.completed, not task.assigned', async () => {
		const type = await loadNode('SmartMaintenanceTrigger');
		const shown = shownTryIts(type, { events: ['task.completed'] });
		expect(suggestedEvent('smartMaintenance', shown)).toBe('task.completed');
	});

	it('SmartlyQ "On job failed" suggests job.failed, not job.completed', async () => {
		const type = await loadNode('SmartlyQTrigger');
		expect(suggestedEvent('smartlyQ', shownTryIts(type, { events: ['job.failed'] }))).toBe(
			'job.failed',
		);
	});
});

describe('SmarterMeasure (no catalogue): the try-it command', () => {
	it('with All Events, names an example event, which runs', async () => {
		const type = await loadNode('SmarterMeasureTrigger');
		const suggested = suggestedEvent('smarterMeasure', shownTryIts(type, { eventFilter: 'all' }));
		expect(suggested).toBe(providers.smarterMeasure.moreEventsExample);
		expect(runsFor('smarterMeasure', suggested, [])).toBe(true);
	});

	it('with named events, asks for one of the names typed', async () => {
		const type = await loadNode('SmarterMeasureTrigger');
		const shown = shownTryIts(type, { eventFilter: 'named', eventNames: 'AssessmentStarted' });
		expect(shown).toHaveLength(1);
		expect(shown[0]).toContain('send smarterMeasure &lt;one of the Event Names&gt; --url');
	});
});

describe('every trigger: the options in force', () => {
	it.each(PROVIDERS)(
		'$displayName lists the defaults next to the Options collection',
		async (p) => {
			const type = await loadNode(p.node);
			const props = type.description.properties;
			const at = props.findIndex((x) => x.name === 'settings');
			const notice = props[at - 1];
			expect(notice?.type).toBe('notice');
			expect(notice.displayName).toContain('Ignore Retried Deliveries: on');
			expect(notice.displayName).toContain('Retry Memory: 10,000 deliveries');
			const tolerance = providers[p.id].toleranceSeconds;
			if (tolerance === undefined) expect(notice.displayName).not.toContain('Timestamp Tolerance');
			else expect(notice.displayName).toContain(`Timestamp Tolerance: ${tolerance} s`);
			// the notice's figures are the collection's own defaults
			const options = props[at].options as Array<{ name: string; default: unknown }>;
			expect(options.find((o) => o.name === 'deduplicate')?.default).toBe(true);
			expect(options.find((o) => o.name === 'retryMemory')?.default).toBe(10_000);
		},
	);
});
