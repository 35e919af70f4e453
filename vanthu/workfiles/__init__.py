"""Work files (hồ sơ công việc): a task's documents, drafts and opinions, opened and closed."""
