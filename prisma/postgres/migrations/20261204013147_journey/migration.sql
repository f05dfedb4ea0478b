-- AlterTable
ALTER TABLE "CaseEvent" ADD COLUMN "departmentId" TEXT;
ALTER TABLE "CaseEvent" ADD COLUMN "stage" TEXT;

-- CreateTable
CREATE TABLE "CaseStay" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "leftAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL,

    CONSTRAINT "CaseStay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaseStay_leftAt_idx" ON "CaseStay"("leftAt");

-- CreateIndex
CREATE UNIQUE INDEX "CaseStay_caseId_enteredAt_key" ON "CaseStay"("caseId", "enteredAt");

-- CreateIndex
CREATE INDEX "CaseEvent_type_at_idx" ON "CaseEvent"("type", "at");

-- AddForeignKey
ALTER TABLE "CaseStay" ADD CONSTRAINT "CaseStay_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
