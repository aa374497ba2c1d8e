// Runs in every examples test file, sharing its module registry, so this is the same cli.ts
// module the example under test used to make its ipc endpoints.
import { removeIpcFiles } from "../src/cli";

afterAll(removeIpcFiles);
