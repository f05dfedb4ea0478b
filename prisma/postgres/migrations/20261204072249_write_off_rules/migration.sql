-- CreateTable
CREATE TABLE "WriteOffRule" (
    "id" SERIAL NOT NULL,
    "reasonCode" TEXT,
    "tier" "CustomerTier",
    "maxAmountCents" INTEGER NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "WriteOffRule_pkey" PRIMARY KEY ("id")
);
