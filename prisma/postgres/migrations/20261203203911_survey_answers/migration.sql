-- CreateTable
CREATE TABLE "SurveyAnswer" (
    "caseId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "satisfaction" INTEGER NOT NULL,
    "recommend" INTEGER NOT NULL,
    "comment" TEXT,
    "answeredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyAnswer_pkey" PRIMARY KEY ("caseId")
);

-- AddForeignKey
ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
