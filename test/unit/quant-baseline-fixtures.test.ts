// The pure-JavaScript number-format twins against the numpy-made fixtures.
import * as baseline from "../../src/baseline/index.js";
import { describeFixtures } from "../helpers/quant-fixtures.js";

describeFixtures("baseline", () => baseline);
