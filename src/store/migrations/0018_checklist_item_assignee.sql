ALTER TABLE "checklist_items" ADD COLUMN "assignee" text;--> statement-breakpoint
-- An item is given to a person by someone who may do it (the record's owner role, an owner or admin).
GRANT UPDATE (assignee) ON checklist_items TO opsbook_app;
