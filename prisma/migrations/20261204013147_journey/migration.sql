-- AlterTable
ALTER TABLE "CaseEvent" ADD COLUMN "departmentId" TEXT;
ALTER TABLE "CaseEvent" ADD COLUMN "stage" TEXT;

-- CreateTable
CREATE TABLE "CaseStay" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "enteredAt" DATETIME NOT NULL,
    "leftAt" DATETIME,
    "version" INTEGER NOT NULL,
    CONSTRAINT "CaseStay_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CaseStay_leftAt_idx" ON "CaseStay"("leftAt");

-- CreateIndex
CREATE UNIQUE INDEX "CaseStay_caseId_enteredAt_key" ON "CaseStay"("caseId", "enteredAt");

-- CreateIndex
CREATE INDEX "CaseEvent_type_at_idx" ON "CaseEvent"("type", "at");
