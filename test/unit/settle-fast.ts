// The unit suites run many deliveries one after another: the record protocol's waits (nodes/shared/copies/waits.ts) are
// bounded below for real databases; here they only follow the in-memory store's call durations.
// test/unit/record.test.ts sets its own floors.
import { SETTLE } from '../../nodes/shared/copies';

SETTLE.paceFloorMs = 0;
SETTLE.settleFloorMs = 0;
