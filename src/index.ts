// The package's programmatic entry: `import { startEmulator } from 'clerk-invitations-mock'`.

export { type Config, ConfigError, defaultConfig, loadConfig } from './config.js';
export { SchemaTooNewError } from './db/migrate.js';
export { DatabaseOpenError } from './db/open-error.js';
export { type App, buildApp } from './http/app.js';
export { type RunningServer, startServer } from './server.js';
export { type Emulator, type EmulatorOptions, type ResetResult, startEmulator } from './start-emulator.js';
