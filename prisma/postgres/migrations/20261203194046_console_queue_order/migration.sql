-- The work queues' sort key: each case's next deadline, or the far future when it has none.
-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "dueAt" TIMESTAMP(3) NOT NULL DEFAULT '9999-12-31 00:00:00 +00:00';
UPDATE "Case" SET "dueAt" = "nextDeadlineAt" WHERE "nextDeadlineAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "Case_department_assignee_urgency_idx" ON "Case"("departmentId", "assigneeId", "priority" DESC, "slaBreached" DESC, "dueAt", "amountCents" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_department_urgency_idx" ON "Case"("departmentId", "priority" DESC, "slaBreached" DESC, "dueAt", "amountCents" DESC, "id");

-- CreateIndex
CREATE INDEX "Case_department_assignee_stage_idx" ON "Case"("departmentId", "assigneeId", "stage");
