// The second run of the pump's suite (jest.config.js): every Pump in it, and every child
// process its tests start, runs on the native engine unless a test says otherwise.
process.env.SLUICE_ENGINE = "native";
