/*
  Warnings:

  - You are about to drop the column `riskScore` on the `OutreachTask` table. All the data in the column will be lost.

*/
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "customerId" TEXT NOT NULL,
    "cardId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "reasonCode" TEXT NOT NULL,
    "description" TEXT,
    "stage" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "assigneeId" TEXT,
    "queue" TEXT NOT NULL DEFAULT 'agents',
    "escalated" BOOLEAN NOT NULL DEFAULT false,
    "slaBreached" BOOLEAN NOT NULL DEFAULT false,
    "nextDeadlineAt" DATETIME,
    "provisionalCreditCents" INTEGER,
    "resolvedAmountCents" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "attritionRisk" TEXT NOT NULL DEFAULT 'none',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "careVerdict" TEXT,
    "retentionOutcome" TEXT,
    "retentionDecidedAt" DATETIME,
    "outcome" TEXT,
    "openedBy" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME,
    "closedAt" DATETIME,
    CONSTRAINT "Case_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_cardId_fkey" FOREIGN KEY ("cardId") REFERENCES "Card" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "CardTransaction" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Case" ("amountCents", "assigneeId", "attritionRisk", "cardId", "closedAt", "currency", "customerId", "departmentId", "description", "escalated", "id", "idempotencyKey", "nextDeadlineAt", "openedAt", "openedBy", "outcome", "provisionalCreditCents", "queue", "reasonCode", "resolvedAmountCents", "resolvedAt", "retentionDecidedAt", "retentionOutcome", "slaBreached", "stage", "transactionId", "updatedAt", "version", "workflowId") SELECT "amountCents", "assigneeId", "attritionRisk", "cardId", "closedAt", "currency", "customerId", "departmentId", "description", "escalated", "id", "idempotencyKey", "nextDeadlineAt", "openedAt", "openedBy", "outcome", "provisionalCreditCents", "queue", "reasonCode", "resolvedAmountCents", "resolvedAt", "retentionDecidedAt", "retentionOutcome", "slaBreached", "stage", "transactionId", "updatedAt", "version", "workflowId" FROM "Case";
DROP TABLE "Case";
ALTER TABLE "new_Case" RENAME TO "Case";
CREATE UNIQUE INDEX "Case_workflowId_key" ON "Case"("workflowId");
CREATE UNIQUE INDEX "Case_idempotencyKey_key" ON "Case"("idempotencyKey");
CREATE INDEX "Case_customerId_idx" ON "Case"("customerId");
CREATE INDEX "Case_stage_departmentId_idx" ON "Case"("stage", "departmentId");
CREATE INDEX "Case_assigneeId_idx" ON "Case"("assigneeId");
CREATE INDEX "Case_slaBreached_idx" ON "Case"("slaBreached");
CREATE INDEX "Case_priority_openedAt_idx" ON "Case"("priority", "openedAt");
CREATE TABLE "new_OutreachTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "idempotencyKey" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "episode" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL DEFAULT 'open',
    "riskLevel" TEXT NOT NULL DEFAULT 'high',
    "recommendation" TEXT NOT NULL,
    "brief" TEXT NOT NULL DEFAULT '{}',
    "dueAt" DATETIME,
    "assigneeId" TEXT,
    "offerRequest" TEXT,
    "outcome" TEXT,
    "emailedAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" DATETIME,
    CONSTRAINT "OutreachTask_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "OutreachTask_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_OutreachTask" ("assigneeId", "caseId", "closedAt", "createdAt", "customerId", "id", "idempotencyKey", "outcome", "recommendation", "status") SELECT "assigneeId", "caseId", "closedAt", "createdAt", "customerId", "id", "idempotencyKey", "outcome", "recommendation", "status" FROM "OutreachTask";
DROP TABLE "OutreachTask";
ALTER TABLE "new_OutreachTask" RENAME TO "OutreachTask";
CREATE UNIQUE INDEX "OutreachTask_idempotencyKey_key" ON "OutreachTask"("idempotencyKey");
CREATE INDEX "OutreachTask_status_dueAt_idx" ON "OutreachTask"("status", "dueAt");
CREATE INDEX "OutreachTask_caseId_idx" ON "OutreachTask"("caseId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
