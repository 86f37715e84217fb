// `npm run bench`: every benchmark, printing figures (no pass/fail: tests never time things).

import { benchApi } from './api.ts';

await benchApi();
