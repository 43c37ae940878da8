/** Shard 2 of the lifecycle model test (test/model/lifecycle.ts): its own seed and a quarter of the sequences. */
import { describeLifecycleModel } from './lifecycle';

describeLifecycleModel(2);
