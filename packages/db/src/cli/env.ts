/**
 * The migration runner's one setting, read once here: it runs as a process of its own. An empty
 * variable counts as unset, as in the apps.
 */
export const env = {
  DATABASE_URL: process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/leash",
};
