// The second run of the pump's suite (jest.config.js): "auto" chooses the native engine where
// it was built, so this run puts every Pump in it, and every child process its tests start,
// on the zeromq.js engine unless a test says otherwise.
process.env.SLUICE_ENGINE = "zeromq";
