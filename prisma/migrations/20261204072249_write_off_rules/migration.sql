-- CreateTable
CREATE TABLE "WriteOffRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reasonCode" TEXT,
    "tier" TEXT,
    "maxAmountCents" INTEGER NOT NULL,
    "description" TEXT NOT NULL DEFAULT ''
);
