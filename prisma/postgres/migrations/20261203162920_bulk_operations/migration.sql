-- CreateTable
CREATE TABLE "BulkOperation" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "action" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "cancelledBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkOperation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkOperationItem" (
    "operationId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "caseId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "detail" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BulkOperationItem_pkey" PRIMARY KEY ("operationId","caseId")
);

-- CreateIndex
CREATE UNIQUE INDEX "BulkOperation_idempotencyKey_key" ON "BulkOperation"("idempotencyKey");

-- CreateIndex
CREATE INDEX "BulkOperation_requestedBy_idx" ON "BulkOperation"("requestedBy");

-- CreateIndex
CREATE INDEX "BulkOperationItem_operationId_position_idx" ON "BulkOperationItem"("operationId", "position");

-- AddForeignKey
ALTER TABLE "BulkOperationItem" ADD CONSTRAINT "BulkOperationItem_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "BulkOperation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
