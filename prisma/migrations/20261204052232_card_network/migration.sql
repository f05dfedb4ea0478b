-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Card" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "customerId" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'credit',
    "network" TEXT NOT NULL DEFAULT 'visa',
    "statementDay" INTEGER NOT NULL DEFAULT 1,
    "openedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    CONSTRAINT "Card_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Card" ("customerId", "id", "last4", "openedAt", "product", "statementDay", "status", "type") SELECT "customerId", "id", "last4", "openedAt", "product", "statementDay", "status", "type" FROM "Card";
DROP TABLE "Card";
ALTER TABLE "new_Card" RENAME TO "Card";
CREATE INDEX "Card_customerId_idx" ON "Card"("customerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
