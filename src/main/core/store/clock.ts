// The time a row is written at, as the database stores it.
export const now = (): string => new Date().toISOString();
