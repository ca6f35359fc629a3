// The panel's try-it command names an event the trigger runs for. n8n decides which notice shows with n8n-workflow's
// own displayOptions code (NodeHelpers.displayParameter), used here on each trigger's real description, and the
// command's event is then sent through the core's receive() with the same event filter the node applies.
import { NodeHelpers, type INode, type INodeParameters } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { providers, receive, type ProviderId } from '../../src/internal';
import { PROVIDERS, loadNode, row, type ProviderRow } from '../providers';
import { delivery, NOW_MS } from './helpers';

const { getNodeParameters, displayParameter } = NodeHelpers;

/** The try-it notices n8n shows on the trigger for these parameters (defaults filled in, as the editor holds them). */
async function shownTryIts(p: ProviderRow, parameters: INodeParameters): Promise<string[]> {
	const { description } = await loadNode(p);
	const node = { name: 'Trigger', type: description.name, typeVersion: 1, parameters } as INode;
	const { properties } = description;
	// (properties, values, returnDefaults, returnNoneDisplayed, node, description): defaults filled in
	const values = getNodeParameters(properties, parameters, true, false, node, description) ?? {};
	return description.properties
		.filter((p) => p.type === 'notice' && p.name.startsWith('tryIt'))
		.filter((p) => displayParameter(values, p, node, description))
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
	const options = { secret: row(id).secret, events: filter, now: NOW_MS };
	const result = receive(id, { headers, rawBody: body }, options);
	return result.status === 200 && result.items.length === 1;
}

const catalogued = PROVIDERS.filter((p) => providers[p.id].events !== null);

describe.each(catalogued)('$displayName: the try-it command', (p) => {
	const events = providers[p.id].events!.map((e) => e.name);

	it.each(events)(
		'after the nodes panel action for %s, names that event, which runs',
		async (event) => {
			const suggested = suggestedEvent(p.id, await shownTryIts(p, { events: [event] }));
			expect(suggested).toBe(event);
			expect(runsFor(p.id, suggested, [event])).toBe(true);
		},
	);

	it('with several events selected, names the one first in the list', async () => {
		const [last, second] = [events.at(-1)!, events[1]];
		const suggested = suggestedEvent(p.id, await shownTryIts(p, { events: [last, second] }));
		expect(suggested).toBe(second);
		expect(runsFor(p.id, suggested, [last, second])).toBe(true);
	});

	it('with none selected (every event runs), names a documented event that is not a test', async () => {
		const suggested = suggestedEvent(p.id, await shownTryIts(p, {}));
		expect(providers[p.id].events!.find((e) => e.name === suggested)?.test).toBeFalsy();
		expect(runsFor(p.id, suggested, [])).toBe(true);
	});

	it('with only typed event names, sends a payload file instead of a catalogue sample', async () => {
		const shown = await shownTryIts(p, { events: [], otherEvents: 'custom.event' });
		expect(shown).toHaveLength(1);
		expect(shown[0]).toContain(`send ${p.id} --file payload.json --url`);
	});
});

describe('the walk-through of issue #28', () => {
	it('SmartMaintenance "On task completed" suggests task.completed, not task.assigned', async () => {
		const shown = await shownTryIts(row('smartMaintenance'), { events: ['task.completed'] });
		expect(suggestedEvent('smartMaintenance', shown)).toBe('task.completed');
	});

	it('SmartlyQ "On job failed" suggests job.failed, not job.completed', async () => {
		const shown = await shownTryIts(row('smartlyQ'), { events: ['job.failed'] });
		expect(suggestedEvent('smartlyQ', shown)).toBe('job.failed');
	});
});

describe('SmarterMeasure (no catalogue): the try-it command', () => {
	const sm = row('smarterMeasure');

	it('with All Events, names an example event, which runs', async () => {
		const suggested = suggestedEvent(sm.id, await shownTryIts(sm, { eventFilter: 'all' }));
		expect(suggested).toBe(providers.smarterMeasure.moreEventsExample);
		expect(runsFor('smarterMeasure', suggested, [])).toBe(true);
	});

	it('with named events, asks for one of the names typed', async () => {
		const named = { eventFilter: 'named', eventNames: 'AssessmentStarted' };
		const shown = await shownTryIts(sm, named);
		expect(shown).toHaveLength(1);
		expect(shown[0]).toContain('send smarterMeasure &lt;one of the Event Names&gt; --url');
	});
});

describe('every trigger: the options in force', () => {
	it.each(PROVIDERS)(
		'$displayName lists the defaults next to the Options collection',
		async (p) => {
			const type = await loadNode(p);
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
