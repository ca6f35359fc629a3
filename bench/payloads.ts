/**
 * Realistic delivery bodies of a given size for the benchmark: each provider's documented envelope,
 * with `data` grown by repeating plausible records until the body reaches the wanted size.
 */
import type { ProviderId } from '../src/index';

const KIB = 1024;

function grow(
	make: (records: unknown[], pad: string) => unknown,
	record: (i: number) => unknown,
	size: number,
): string {
	const records: unknown[] = [];
	let text = JSON.stringify(make(records, ''));
	while (text.length < size - 200) {
		records.push(record(records.length));
		text = JSON.stringify(make(records, ''));
	}
	const pad = 'x'.repeat(Math.max(0, size - text.length));
	text = JSON.stringify(make(records, pad));
	return text;
}

export function jsonBody(
	provider: ProviderId,
	size: number,
	id = 'evt_01HXY3K6Q4SC3D6EA8JVQA0Z2W',
): string {
	switch (provider) {
		case 'smp':
			return grow(
				(tasks, pad) => ({
					id,
					type: 'project.completed',
					createdAt: '2026-05-02T14:32:09Z',
					data: {
						projectId: 'proj_7H8K2',
						name: 'Authentication accessibility audit',
						completedAt: '2026-05-02T14:32:09Z',
						tasks,
						notes: pad,
					},
				}),
				(i) => ({
					taskId: `task_${i}`,
					title: `Check keyboard focus order on step ${i}`,
					status: 'passed',
					durationSec: 120 + i,
					tester: { id: 1000 + i, country: 'DE' },
				}),
				size,
			);
		case 'smartComply':
			return grow(
				(evidence, pad) => ({
					id,
					type: 'test.submitted',
					created_at: '2026-05-05T14:02:11Z',
					data: {
						test_id: 'tst_4f1c9a',
						control: 'Access reviews are performed quarterly',
						result: 'passed',
						evidence,
						notes: pad,
					},
				}),
				(i) => ({
					evidence_id: `ev_${i}`,
					file: `access-review-q${i % 4}.pdf`,
					uploaded_by: 'auditor@example.com',
					size: 20_000 + i,
				}),
				size,
			);
		case 'smartlyQ':
			return grow(
				(items, pad) => ({
					event: 'job.completed',
					timestamp: '2026-05-05T14:02:11Z',
					data: {
						job_id: id,
						type: 'article_generation',
						status: 'completed',
						result: { items, notes: pad },
					},
				}),
				(i) => ({ paragraph: i, words: 80 + (i % 40), heading: `Section ${i}` }),
				size,
			);
		case 'smartMaintenance':
			return grow(
				(checklist, pad) => ({
					event: 'task.completed',
					timestamp: '2026-04-24T09:15:30+07:00',
					company_id: 1,
					company_name: 'PT Kahatex',
					data: { task_id: 12345, asset_id: 678, technician_id: 42, checklist, notes: pad },
				}),
				(i) => ({
					step: i,
					item: `Inspect bearing housing ${i}`,
					ok: i % 7 !== 0,
					reading: 31.5 + (i % 10) / 10,
				}),
				size,
			);
		case 'smarterMeasure':
			return grow(
				(Responses, pad) => ({
					EventType: 'assessment.completed',
					EventId: id,
					OccurredAt: '2026-05-05T14:02:11Z',
					Student: {
						StudentId: 'S-100234',
						FirstName: 'Ada',
						LastName: 'Lovelace',
						Email: 'ada@example.edu',
					},
					Assessment: {
						AssessmentId: 'A-5521',
						Name: 'Readiness Assessment',
						Score: '87',
						Responses,
						Notes: pad,
					},
				}),
				(i) => ({
					QuestionId: `Q${i}`,
					Section: 'Technical Competency',
					Answer: `${i % 5}`,
					Seconds: 10 + (i % 50),
				}),
				size,
			);
	}
}

export function xmlBody(size: number, id = 'A1B2C3D4'): string {
	const head =
		`<?xml version="1.0" encoding="UTF-8"?>\n<AssessmentCompleted version="2">` +
		`<EventType>assessment.completed</EventType><EventId>${id}</EventId><OccurredAt>2026-05-05T14:02:11Z</OccurredAt>` +
		`<Student id="S-100234"><FirstName>Ada</FirstName><LastName>Lovelace</LastName><Email>ada@example.edu</Email></Student>` +
		`<Assessment id="A-5521"><Name>Readiness Assessment</Name><Score>87</Score><Responses>`;
	const tail = `</Responses><Notes>NOTES</Notes></Assessment></AssessmentCompleted>`;
	let middle = '';
	for (let i = 0; head.length + middle.length + tail.length < size - 150; i++) {
		middle += `<Response n="${i}"><QuestionId>Q${i}</QuestionId><Section>Technical &amp; Reading</Section><Answer>${i % 5}</Answer></Response>`;
	}
	const pad = 'x'.repeat(Math.max(0, size - (head.length + middle.length + tail.length - 5)));
	return head + middle + tail.replace('NOTES', pad);
}

export const SIZES = { '1 KiB': KIB, '64 KiB': 64 * KIB } as const;
