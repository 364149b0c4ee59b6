// The package's programmatic entry: `import { startEmulator } from 'clerk-invitations-mock'`.
export { buildApp, type App } from './app.js';
export { ConfigError, defaultConfig, loadConfig, type Config } from './config.js';
export { SchemaTooNewError } from './db/migrate.js';
export { startServer, type RunningServer } from './server.js';
export { startEmulator, type Emulator, type EmulatorOptions, type ResetResult } from './start-emulator.js';
