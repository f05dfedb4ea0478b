-- CreateTable
CREATE TABLE "RoutingRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "priority" INTEGER NOT NULL,
    "reasonCode" TEXT,
    "tier" TEXT,
    "minAmountCents" INTEGER,
    "maxAmountCents" INTEGER,
    "departmentId" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "RoutingRule_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StaffAlert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "idempotencyKey" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "caseId" TEXT,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Card" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "customerId" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'credit',
    "statementDay" INTEGER NOT NULL DEFAULT 1,
    "openedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    CONSTRAINT "Card_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Card" ("customerId", "id", "last4", "openedAt", "product", "status") SELECT "customerId", "id", "last4", "openedAt", "product", "status" FROM "Card";
DROP TABLE "Card";
ALTER TABLE "new_Card" RENAME TO "Card";
CREATE INDEX "Card_customerId_idx" ON "Card"("customerId");
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
INSERT INTO "new_Case" ("amountCents", "assigneeId", "attritionRisk", "cardId", "closedAt", "currency", "customerId", "departmentId", "description", "id", "idempotencyKey", "openedAt", "openedBy", "outcome", "reasonCode", "resolvedAt", "slaBreached", "stage", "transactionId", "updatedAt", "workflowId") SELECT "amountCents", "assigneeId", "attritionRisk", "cardId", "closedAt", "currency", "customerId", "departmentId", "description", "id", "idempotencyKey", "openedAt", "openedBy", "outcome", "reasonCode", "resolvedAt", "slaBreached", "stage", "transactionId", "updatedAt", "workflowId" FROM "Case";
DROP TABLE "Case";
ALTER TABLE "new_Case" RENAME TO "Case";
CREATE UNIQUE INDEX "Case_workflowId_key" ON "Case"("workflowId");
CREATE UNIQUE INDEX "Case_idempotencyKey_key" ON "Case"("idempotencyKey");
CREATE INDEX "Case_customerId_idx" ON "Case"("customerId");
CREATE INDEX "Case_stage_departmentId_idx" ON "Case"("stage", "departmentId");
CREATE INDEX "Case_assigneeId_idx" ON "Case"("assigneeId");
CREATE INDEX "Case_slaBreached_idx" ON "Case"("slaBreached");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "RoutingRule_priority_key" ON "RoutingRule"("priority");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAlert_idempotencyKey_key" ON "StaffAlert"("idempotencyKey");

-- CreateIndex
CREATE INDEX "StaffAlert_staffId_readAt_idx" ON "StaffAlert"("staffId", "readAt");
